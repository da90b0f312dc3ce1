import { EventEmitter } from "node:events";
import type { Document } from "@atrium/contracts";
import type { EventBus } from "../../infra/events/pg-notify";

const CHANNEL = "atrium_documents";

/**
 * Fan-out of document status changes to the sockets watching a tenant: in-process, and through
 * the event bus (PostgreSQL LISTEN/NOTIFY) to the other processes when there are several, so a
 * separate worker's progress reaches every API process. The UI still polls while anything is
 * processing, so a missed event only delays an update.
 */
export function createDocumentEvents(bus?: EventBus) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const emit = (document: Document) => emitter.emit(document.tenantId, document);
  bus?.subscribe(CHANNEL, (payload) => emit(payload as Document));
  return {
    publish(document: Document) {
      emit(document);
      void bus?.publish(CHANNEL, document);
    },
    subscribe(tenantId: string, listener: (document: Document) => void): () => void {
      emitter.on(tenantId, listener);
      return () => emitter.off(tenantId, listener);
    },
  };
}
export type DocumentEvents = ReturnType<typeof createDocumentEvents>;
