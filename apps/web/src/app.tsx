import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { RouterProvider } from "react-router/dom";
import { ToastProvider } from "./components/ui/toast";
import { authStore } from "./lib/auth-store";
import { createQueryClient } from "./lib/query-client";
import { router } from "./routes";

/** Providers around the router: query cache (dropped when the session ends) and toasts. */
export function App() {
  const [queryClient] = useState(createQueryClient);

  // When the session ends anywhere (refresh failed, another tab signed out), forget its data.
  useEffect(
    () =>
      authStore.subscribe(() => {
        if (!authStore.hasSession()) queryClient.clear();
      }),
    [queryClient],
  );

  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  );
}
