import type { Message } from "@atrium/contracts";

/**
 * Messages as they are shown: a user's question, then its answers. Regenerating adds another
 * answer after the last one, so consecutive answers are versions of one answer, shown one at a time.
 */
export function groupAnswers(items: Message[]): { message: Message; answers: Message[] }[] {
  const rows: { message: Message; answers: Message[] }[] = [];
  for (const message of items) {
    const last = rows.at(-1);
    if (message.role === "assistant" && last?.message.role === "assistant") last.answers.push(message);
    else rows.push({ message, answers: message.role === "assistant" ? [message] : [] });
  }
  return rows;
}
