import type { Message } from "@atrium/contracts";
import type { MessageRow } from "./chats.repository";

/** The public shape of a message, with the caller's own mark. */
export function presentMessage(row: MessageRow, myMark: number | null = null): Message {
  return {
    id: row.id,
    chatId: row.chatId,
    role: row.role,
    content: row.content,
    status: row.status,
    model: row.model,
    providerKind: row.providerKind,
    promptVersions: row.promptVersions,
    usage: row.usage,
    latencyMs: row.latencyMs,
    firstTokenMs: row.firstTokenMs,
    errorCode: row.errorCode,
    sources: row.sources,
    myMark,
    createdAt: row.createdAt.toISOString(),
  };
}
