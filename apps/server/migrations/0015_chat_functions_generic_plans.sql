-- The chat functions' statements are planned once per connection, not once per call. PostgreSQL
-- keeps a statement's generic plan only when it is estimated no dearer than the custom plans made
-- for each call's values; here the custom plans always looked cheaper (they know how many rows
-- jsonb_array_length(...) lets through), so every call was planned afresh: the final answer's
-- statement spent about 0.4 ms of its 0.9 ms planning, on both backends (docs/BENCHMARKS.md). Their
-- plans do not depend on the values: with sequential scans off (0014) every row is reached by key.
ALTER FUNCTION atrium_chat_send(uuid, jsonb, integer) SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION atrium_chat_finish(uuid, jsonb, jsonb) SET plan_cache_mode = force_generic_plan;
