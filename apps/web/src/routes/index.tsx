import { createBrowserRouter } from "react-router";
import { AssistantsPage } from "../features/assistants-admin/assistants-page";
import { PromptsPage } from "../features/assistants-admin/prompts-page";
import { TenantAssistantsPage } from "../features/assistants-admin/tenant-assistants-page";
import { LoginPage } from "../features/auth/login-page";
import { ChatPage } from "../features/chat/chat-page";
import { DocumentsPage } from "../features/documents/documents-page";
import { JobsPage } from "../features/documents/jobs-page";
import { FeedbackPage } from "../features/feedback/feedback-page";
import { HomePage } from "../features/home/home-page";
import { AppLayout, type RouteHandle } from "../features/layout/app-layout";
import { ProfilePage } from "../features/profile/profile-page";
import { ProvidersPage } from "../features/providers/providers-page";
import { RecordsPage } from "../features/records/records-page";
import { SetupPage } from "../features/setup/setup-page";
import { TenantDetailPage } from "../features/tenants/tenant-detail-page";
import { TenantsPage } from "../features/tenants/tenants-page";
import { UsersPage } from "../features/users/users-page";
import { RequireAuth, RequireInstanceAdmin, RequireTenantManager } from "./guards";
import { NotFoundPage } from "./not-found-page";
import { RouteErrorPage } from "./route-error-page";

const chatHandle: RouteHandle = { isFullBleed: true };

/** Every page of the app: its path, who may open it, and what it shows. */
export const router = createBrowserRouter([
  { path: "/setup", element: <SetupPage />, errorElement: <RouteErrorPage /> },
  { path: "/login", element: <LoginPage />, errorElement: <RouteErrorPage /> },
  {
    path: "/",
    errorElement: <RouteErrorPage />,
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <HomePage /> },
      { path: "chat", element: <ChatPage />, handle: chatHandle },
      { path: "chat/:chatId", element: <ChatPage />, handle: chatHandle },
      { path: "documents", element: <DocumentsPage /> },
      { path: "profile", element: <ProfilePage /> },
      {
        path: "admin/users",
        element: (
          <RequireInstanceAdmin>
            <UsersPage />
          </RequireInstanceAdmin>
        ),
      },
      {
        path: "admin/tenants",
        element: (
          <RequireInstanceAdmin>
            <TenantsPage />
          </RequireInstanceAdmin>
        ),
      },
      {
        path: "admin/assistants",
        element: (
          <RequireInstanceAdmin>
            <AssistantsPage />
          </RequireInstanceAdmin>
        ),
      },
      {
        path: "admin/assistants/:assistantId/prompts",
        element: (
          <RequireInstanceAdmin>
            <PromptsPage />
          </RequireInstanceAdmin>
        ),
      },
      {
        path: "admin/providers",
        element: (
          <RequireInstanceAdmin>
            <ProvidersPage />
          </RequireInstanceAdmin>
        ),
      },
      {
        path: "admin/records",
        element: (
          <RequireInstanceAdmin>
            <RecordsPage />
          </RequireInstanceAdmin>
        ),
      },
      {
        path: "admin/jobs",
        element: (
          <RequireInstanceAdmin>
            <JobsPage />
          </RequireInstanceAdmin>
        ),
      },
      {
        path: "tenants/:tenantId",
        element: (
          <RequireTenantManager>
            <TenantDetailPage />
          </RequireTenantManager>
        ),
      },
      {
        path: "tenants/:tenantId/assistants",
        element: (
          <RequireTenantManager>
            <TenantAssistantsPage />
          </RequireTenantManager>
        ),
      },
      {
        path: "tenants/:tenantId/assistants/:assistantId/prompts",
        element: (
          <RequireTenantManager>
            <PromptsPage />
          </RequireTenantManager>
        ),
      },
      {
        path: "tenants/:tenantId/feedback",
        element: (
          <RequireTenantManager>
            <FeedbackPage />
          </RequireTenantManager>
        ),
      },
      {
        path: "tenants/:tenantId/records",
        element: (
          <RequireTenantManager>
            <RecordsPage />
          </RequireTenantManager>
        ),
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
