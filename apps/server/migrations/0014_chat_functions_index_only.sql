-- The chat functions only ever reach rows by key (a chat, its owner's membership, a message by id,
-- a chat's latest messages). PL/pgSQL keeps each statement's plan for the connection's life, and a
-- plan made while a table was small may scan it whole: the embedded database has no autovacuum to
-- re-analyze the table and invalidate the plan, so on a growing `messages` table the final-answer
-- statement took 1.5 ms after 5 s of load and 10.6 ms after 25 s (docs/BENCHMARKS.md). With
-- sequential scans off inside these functions the planner always takes the indexes, whatever the
-- table's size or statistics; nothing else is affected.
ALTER FUNCTION atrium_chat_send(uuid, jsonb, integer) SET enable_seqscan = off;
--> statement-breakpoint
ALTER FUNCTION atrium_chat_finish(uuid, jsonb, jsonb) SET enable_seqscan = off;
