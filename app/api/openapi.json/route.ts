import { openApiDocument } from "@/lib/http/openapi/document";
import { route } from "@/lib/http/route";

/** The HTTP API reference: OpenAPI 3.1, generated from the routes' own schemas (lib/http/openapi). Open: it documents, reveals nothing. */
export const GET = route(() => Response.json(openApiDocument()));
