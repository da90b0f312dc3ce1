import { createBrowserRouter } from "react-router";
import { LoginPage } from "../features/auth/login-page";
import { HomePage } from "../features/home/home-page";
import { AppLayout } from "../features/layout/app-layout";
import { ProfilePage } from "../features/profile/profile-page";
import { SetupPage } from "../features/setup/setup-page";
import { TenantDetailPage } from "../features/tenants/tenant-detail-page";
import { TenantsPage } from "../features/tenants/tenants-page";
import { UsersPage } from "../features/users/users-page";
import { RequireAuth, RequireInstanceAdmin, RequireTenantManager } from "./guards";
import { NotFoundPage } from "./not-found-page";
import { RouteErrorPage } from "./route-error-page";

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
        path: "tenants/:tenantId",
        element: (
          <RequireTenantManager>
            <TenantDetailPage />
          </RequireTenantManager>
        ),
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
