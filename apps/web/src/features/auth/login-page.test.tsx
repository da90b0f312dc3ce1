import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "../../components/ui/toast";
import { i18n } from "../../i18n";
import { authStore } from "../../lib/auth-store";
import { createQueryClient } from "../../lib/query-client";
import { LoginPage } from "./login-page";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** Renders the login page with a fake API answering by path. */
function renderLogin(routes: Record<string, () => Response>) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL) => {
      const path = String(input).replace("/api/v1", "");
      const answer = routes[path];
      return answer ? answer() : json(404, { error: { code: "request.not_found", message: "nope", requestId: "t" } });
    }),
  );
  const router = createMemoryRouter(
    [
      { path: "/login", element: <LoginPage /> },
      { path: "/setup", element: <p>setup page</p> },
      { path: "/", element: <p>home page</p> },
    ],
    { initialEntries: ["/login"] },
  );
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("LoginPage", () => {
  beforeEach(async () => {
    authStore.clear();
    await i18n.changeLanguage("en");
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    authStore.clear();
  });

  it("sends a fresh instance to first-run setup", async () => {
    renderLogin({ "/setup/status": () => json(200, { needsSetup: true }) });
    expect(await screen.findByText("setup page")).toBeTruthy();
  });

  it("says why signing in failed, in the interface language", async () => {
    await i18n.changeLanguage("ru");
    renderLogin({
      "/setup/status": () => json(200, { needsSetup: false }),
      "/auth/token": () =>
        json(401, { error: { code: "auth.invalid_credentials", message: "Invalid credentials", requestId: "r" } }),
    });

    fireEvent.change(await screen.findByTestId("login-email"), { target: { value: "ada@example.org" } });
    fireEvent.change(screen.getByTestId("login-password"), { target: { value: "wrong password" } });
    fireEvent.click(screen.getByTestId("login-submit"));

    expect((await screen.findByRole("alert")).textContent).toContain("Неверный адрес эл. почты или пароль");
    expect(authStore.hasSession()).toBe(false);
  });

  it("keeps the tokens and opens the app after signing in", async () => {
    renderLogin({
      "/setup/status": () => json(200, { needsSetup: false }),
      "/auth/token": () =>
        json(200, { access_token: "a1", refresh_token: "r1", token_type: "bearer", expires_in: 900 }),
    });

    fireEvent.change(await screen.findByLabelText("Email"), { target: { value: "ada@example.org" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "correct horse battery" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("home page")).toBeTruthy();
    expect(authStore.getRefreshToken()).toBe("r1");
  });

  it("asks for both fields before calling the server", async () => {
    renderLogin({ "/setup/status": () => json(200, { needsSetup: false }) });
    fireEvent.click(await screen.findByTestId("login-submit"));
    expect(screen.getAllByText("Fill in this field.")).toHaveLength(2);
  });
});
