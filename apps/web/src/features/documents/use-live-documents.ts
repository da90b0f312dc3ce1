import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useChatSocket } from "../chat/use-chat-socket";
import { documentKeys, storeDocument } from "./api";

/** Progress events come several a second: lists are re-read at most this often because of them. */
const REFETCH_THROTTLE_MS = 1000;

/**
 * Follows a tenant's documents over the app's live connection while the page is open: every
 * status and progress change is written into the cached lists; one a list should show but can't
 * place (uploaded elsewhere, on another page) makes the lists load again, at most once a second.
 */
export function useLiveDocuments(tenantId: string) {
  const queryClient = useQueryClient();
  const { watchTenant, onDocument } = useChatSocket();

  useEffect(() => {
    let refetchTimer: ReturnType<typeof setTimeout> | undefined;
    const off = onDocument((document) => {
      if (document.tenantId !== tenantId || !storeDocument(queryClient, document) || refetchTimer) return;
      refetchTimer = setTimeout(() => {
        refetchTimer = undefined;
        void queryClient.invalidateQueries({ queryKey: documentKeys.lists(tenantId) });
      }, REFETCH_THROTTLE_MS);
    });
    const unwatch = watchTenant(tenantId);
    return () => {
      clearTimeout(refetchTimer);
      off();
      unwatch();
    };
  }, [tenantId, queryClient, watchTenant, onDocument]);
}
