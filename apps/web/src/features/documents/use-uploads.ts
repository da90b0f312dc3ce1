import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { documentKeys, storeDocument } from "./api";
import { createUploadQueue, type UploadQueue } from "./upload-queue";
import { sendUpload } from "./upload-request";

/** One queue per query cache (so one for the app): uploads go on while the person looks elsewhere. */
const queues = new WeakMap<QueryClient, UploadQueue<File>>();

function queueFor(queryClient: QueryClient): UploadQueue<File> {
  const existing = queues.get(queryClient);
  if (existing) return existing;
  const queue = createUploadQueue<File>({
    send: (upload, onProgress, signal) =>
      sendUpload({
        path: "/documents",
        fields: { tenantId: upload.tenantId },
        file: upload.file,
        filename: upload.file.name,
        onProgress,
        signal,
      }),
    onUploaded: (document) => {
      // The new row shows at once; the refetch brings the total and order in line with the server.
      storeDocument(queryClient, document);
      void queryClient.invalidateQueries({ queryKey: documentKeys.lists(document.tenantId) });
    },
  });
  queues.set(queryClient, queue);
  return queue;
}

/**
 * The app's upload queue and its uploads of one tenant. While files are being sent, leaving the
 * page asks for confirmation (closing the tab would cut the uploads off).
 */
export function useUploads(tenantId: string) {
  const queue = queueFor(useQueryClient());
  const all = useSyncExternalStore(queue.subscribe, queue.getSnapshot, queue.getSnapshot);
  const isSending = all.some((upload) => upload.status === "uploading" || upload.status === "waiting");

  useEffect(() => {
    if (!isSending) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [isSending]);

  return {
    uploads: all.filter((upload) => upload.tenantId === tenantId),
    add: (files: Iterable<File>) => queue.add(tenantId, files),
    retry: queue.retry,
    remove: queue.remove,
  };
}
