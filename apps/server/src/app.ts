import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import websocket from "@fastify/websocket";
import Fastify from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { type Container, VERSION } from "./container";
import { apiKeysRoutes } from "./modules/api-keys/api-keys.routes";
import { assistantsRoutes } from "./modules/assistants/assistants.routes";
import { authRoutes } from "./modules/auth/auth.routes";
import { registerChatSocket, selectChatProtocol } from "./modules/chats/chat-socket";
import { chatsRoutes } from "./modules/chats/chats.routes";
import { documentsRoutes } from "./modules/documents/documents.routes";
import { healthRoutes } from "./modules/health/health.routes";
import { openAiRoutes } from "./modules/openai-compat/openai.routes";
import { providersRoutes } from "./modules/providers/providers.routes";
import { recordsRoutes } from "./modules/records/records.routes";
import { tenantsRoutes } from "./modules/tenants/tenants.routes";
import { usersRoutes } from "./modules/users/users.routes";
import { registerAuth } from "./plugins/auth";
import { registerErrorHandler } from "./plugins/error-handler";
import { registerOpenApi } from "./plugins/openapi";
import { registerWebUi } from "./plugins/web-ui";

/** Builds the HTTP app without listening, so tests use inject() or a real socket alike. */
export async function buildApp(container: Container) {
  const { config, services } = container;
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: ["req.headers.authorization", "req.headers.cookie", 'req.headers["sec-websocket-protocol"]'],
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  registerErrorHandler(app);
  registerAuth(app, (bearer) => services.auth.authenticate(bearer));
  // JSON and form bodies only: anything else is answered 415 instead of reaching validation as text.
  app.removeContentTypeParser("text/plain");
  await app.register(formbody);
  // Uploads stream part by part; the size limit is enforced while storing (UPLOAD_MAX_BYTES).
  await app.register(multipart, {
    limits: { files: 1, fields: 20, fieldSize: 10_000, fileSize: config.UPLOAD_MAX_BYTES + 1 },
  });
  await app.register(rateLimit, {
    global: false,
    ...(container.redis ? { redis: container.redis, nameSpace: "atrium:ratelimit:" } : {}),
  });
  await registerOpenApi(app, VERSION);

  await app.register(
    async (api) => {
      await api.register(healthRoutes(container.database, VERSION));
      await api.register(authRoutes(services.auth, config.LOGIN_IP_PER_MINUTE));
      await api.register(usersRoutes(services.users));
      await api.register(tenantsRoutes(services.tenants));
      await api.register(apiKeysRoutes(services.apiKeys));
      await api.register(assistantsRoutes(services.assistants));
      await api.register(providersRoutes(services.providers));
      await api.register(chatsRoutes(services.chats, container.hub));
      await api.register(recordsRoutes(services.records));
      await api.register(documentsRoutes(services.documents, (key) => container.storage.get(key)));
    },
    { prefix: "/api/v1" },
  );
  await app.register(openAiRoutes(services.openai), { prefix: "/v1" });
  await app.register(websocket, {
    options: { maxPayload: 256 * 1024, handleProtocols: (protocols) => selectChatProtocol(protocols) },
  });
  await registerChatSocket(app, {
    authenticate: (token) => services.auth.authenticate(token),
    chats: services.chats,
    hub: container.hub,
    tenantEvents: {
      subscribe: (tenantId, listener) => container.documentEvents.subscribe(tenantId, listener),
      canWatch: async (actor, tenantId) => {
        await services.documents.list(actor, { tenantId, limit: 1, offset: 0 });
      },
    },
  });
  await registerWebUi(app, config.WEB_DIST_DIR);
  return app;
}
export type App = Awaited<ReturnType<typeof buildApp>>;
