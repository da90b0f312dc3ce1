import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

/** OpenAPI 3 spec generated from the route zod schemas, served with Swagger UI at /api/v1/docs. */
export async function registerOpenApi(app: FastifyInstance, version: string) {
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Atrium API",
        description: "Self-hosted AI assistant platform. Errors are {error:{code,message,requestId}}.",
        version,
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "Access token or API key (atr_…)" },
          oauth2: {
            type: "oauth2",
            flows: { password: { tokenUrl: "/api/v1/auth/token", scopes: {} } },
          },
        },
      },
      security: [{ bearer: [] }, { oauth2: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/api/v1/docs" });
  app.get("/api/v1/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
