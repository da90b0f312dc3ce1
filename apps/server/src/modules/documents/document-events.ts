import { EventEmitter } from "node:events";
import type { Document } from "@atrium/contracts";

/**
 * In-process fan-out of document status changes to the sockets watching a tenant. Workers in other
 * processes report through the database, which the UI also polls while anything is processing.
 */
export function createDocumentEvents() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(document: Document) {
      emitter.emit(document.tenantId, document);
    },
    subscribe(tenantId: string, listener: (document: Document) => void): () => void {
      emitter.on(tenantId, listener);
      return () => emitter.off(tenantId, listener);
    },
  };
}
export type DocumentEvents = ReturnType<typeof createDocumentEvents>;
