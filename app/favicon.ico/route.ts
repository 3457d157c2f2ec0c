// Browsers may ask for /favicon.ico whatever a page's <link rel="icon"> says (Chromium does when
// it has not read the link yet, and a 404 then shows as an error in its console): send them to
// the one icon there is, app/icon.svg.
export const dynamic = "force-static";

export function GET(): Response {
  return new Response(null, { status: 308, headers: { location: "/icon.svg" } });
}
