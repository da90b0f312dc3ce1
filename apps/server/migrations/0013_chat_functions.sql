-- The two statements of every chat message, as functions that set the tenant scope themselves.
-- A send and a final answer were each a transaction of BEGIN, the scope settings, the statement
-- and COMMIT: 3 round trips on PostgreSQL, 2 exchanges on the embedded database, the scope's
-- SELECT planned every time. Called on their own (autocommit), each function is ONE round trip
-- whose statement is its own transaction, and PL/pgSQL keeps the statement's plan per connection.
-- SECURITY INVOKER (the default): row-level security applies exactly as before; the functions only
-- choose the tenant, as the app's scoped transactions do. Outside a transaction the settings end
-- with the call; the app never calls them inside one.
--
-- atrium_chat_send: for each send (chat, asker, is the asker an instance admin, the caller's known
-- history version, question, title for an untitled chat), checks the asker may use the chat
-- (owner, and member of its tenant or instance admin), inserts the question and an empty streaming
-- answer, touches the chat, and returns the chat, the two messages and, when the caller's known
-- version is stale, the chat's last p_history_limit messages (see chats.repository.ts).
CREATE OR REPLACE FUNCTION atrium_chat_send(p_tenant uuid, p_sends jsonb, p_history_limit integer)
RETURNS TABLE (
  part text, chat_id uuid, id uuid, role text, content text, status text, seq bigint,
  created_at timestamptz, updated_at timestamptz, version text, tenant_id uuid, user_id uuid,
  assistant_id uuid, title text, tenant_name text, assistant_name text, assistant_kind text, allowed boolean
)
LANGUAGE plpgsql AS
$$
#variable_conflict use_column
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true), set_config('app.user_id', '', true),
          set_config('app.bypass_rls', 'off', true);
  RETURN QUERY
  with x as (
    select v.i, v.chat_id, v.content, v.title as new_title, v.known, c.tenant_id, c.user_id, c.assistant_id,
           c.title, c.created_at, c.updated_at, c.updated_at::text as version, t.name as tenant_name,
           a.name as assistant_name, a.kind as assistant_kind, (v.admin or m.role is not null) as allowed
      from (select * from jsonb_to_recordset(p_sends)
              as v(i integer, chat_id uuid, user_id uuid, admin boolean, known text, content text, title text)
             limit jsonb_array_length(p_sends)) as v
      join chats c on c.id = v.chat_id and c.user_id = v.user_id
      join tenants t on t.id = c.tenant_id
      join assistants a on a.id = c.assistant_id
      left join memberships m on m.tenant_id = c.tenant_id and m.user_id = c.user_id
  ),
  touched as (
    update chats set title = case when chats.title = '' then x.new_title else chats.title end, updated_at = now()
      from x
     where chats.id = x.chat_id and x.allowed
    returning chats.id, chats.title, chats.updated_at, chats.updated_at::text as version
  ),
  inserted as (
    insert into messages (chat_id, tenant_id, role, content, status)
    select x.chat_id, x.tenant_id, r.role, case when r.ord = 1 then x.content else '' end,
           case when r.ord = 1 then 'done' else 'streaming' end
      from x cross join (values (1, 'user'), (2, 'assistant')) as r(ord, role)
     where x.allowed
     order by x.i, r.ord
    returning messages.id, messages.chat_id, messages.role, messages.content, messages.status, messages.seq,
              messages.created_at, messages.updated_at
  )
  select 'chat'::text, x.chat_id, null::uuid, null::text, null::text, null::text, null::bigint, x.created_at,
         coalesce(t.updated_at, x.updated_at), coalesce(t.version, x.version), x.tenant_id, x.user_id,
         x.assistant_id, coalesce(t.title, x.title), x.tenant_name, x.assistant_name, x.assistant_kind, x.allowed
    from x left join touched t on t.id = x.chat_id
  union all
  select 'message'::text, m.chat_id, m.id, m.role, m.content, m.status, m.seq, m.created_at, m.updated_at,
         null, null, null, null, null, null, null, null, null
    from inserted m
  union all
  select 'history'::text, x.chat_id, h.id, h.role, h.content, h.status, h.seq, null, null,
         null, null, null, null, null, null, null, null, null
    from x cross join lateral (
           select m.id, m.role, m.content, m.status, m.seq from messages m
            where m.chat_id = x.chat_id order by m.seq desc limit p_history_limit) h
   where x.allowed and x.known is distinct from x.version
   order by 1, 7;
END
$$;
--> statement-breakpoint
-- atrium_chat_finish: stores finished answers (the final row of each) and their request records in
-- one statement; returns each stored answer's id and updated_at (see chats.repository.ts).
CREATE OR REPLACE FUNCTION atrium_chat_finish(p_tenant uuid, p_answers jsonb, p_records jsonb)
RETURNS TABLE (id uuid, updated_at timestamptz)
LANGUAGE plpgsql AS
$$
#variable_conflict use_column
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true), set_config('app.user_id', '', true),
          set_config('app.bypass_rls', 'off', true);
  RETURN QUERY
  with updated as (
    update messages m
       set content = v.content, status = v.status, model = v.model, provider_kind = v.provider_kind,
           prompt_versions = v.prompt_versions, usage = v.usage, latency_ms = v.latency_ms,
           first_token_ms = v.first_token_ms, error_code = v.error_code, sources = v.sources,
           updated_at = now()
      from (select * from jsonb_to_recordset(p_answers)
              as v(id uuid, content text, status text, model text, provider_kind text, prompt_versions jsonb,
                   usage jsonb, latency_ms integer, first_token_ms integer, error_code text, sources jsonb)
             limit jsonb_array_length(p_answers)) as v
     where m.id = v.id
    returning m.id, m.updated_at
  ),
  recorded as (
    insert into request_records (tenant_id, user_id, assistant_id, chat_id, message_id, kind, channel, model,
           provider_kind, prompt_versions, queue_ms, retrieval_ms, first_token_ms, total_ms, input_tokens,
           output_tokens, cost_usd, status, error_code)
    select v.tenant_id, v.user_id, v.assistant_id, v.chat_id, v.message_id, v.kind, v.channel, v.model,
           v.provider_kind, v.prompt_versions, v.queue_ms, v.retrieval_ms, v.first_token_ms, v.total_ms,
           coalesce(v.input_tokens, 0), coalesce(v.output_tokens, 0), coalesce(v.cost_usd, 0), v.status,
           v.error_code
      from (select * from jsonb_to_recordset(p_records)
              as v(tenant_id uuid, user_id uuid, assistant_id uuid, chat_id uuid, message_id uuid, kind text,
                   channel text, model text, provider_kind text, prompt_versions jsonb, queue_ms integer,
                   retrieval_ms integer, first_token_ms integer, total_ms integer, input_tokens integer,
                   output_tokens integer, cost_usd float8, status text, error_code text)
             limit jsonb_array_length(p_records)) as v
  )
  select u.id, u.updated_at from updated u;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION atrium_chat_send(uuid, jsonb, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION atrium_chat_send(uuid, jsonb, integer) TO atrium_app;
--> statement-breakpoint
REVOKE ALL ON FUNCTION atrium_chat_finish(uuid, jsonb, jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION atrium_chat_finish(uuid, jsonb, jsonb) TO atrium_app;
