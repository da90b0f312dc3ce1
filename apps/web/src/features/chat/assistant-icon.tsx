import { BookIcon, DatabaseIcon, SparklesIcon } from "../../components/ui/icons";

/** The icon of an assistant's kind: general (sparkles), documents (book), database. */
export function AssistantKindIcon({ kind, className }: { kind: string; className?: string }) {
  const Icon = kind === "documents" ? BookIcon : kind === "database" ? DatabaseIcon : SparklesIcon;
  return <Icon className={className} />;
}
