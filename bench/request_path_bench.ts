/**
 * The request path's layers in process, each as `app.fetch` of
 * `GET /api/words`: a bare Hono route, then the service's own layers added
 * one by one, then the whole application. No sockets: this is the
 * JavaScript each layer costs; `deno task loadtest:layers` measures the
 * same layers over HTTP, where the headers also cost Deno's serialisation.
 */
import { layers, measuredApp } from "../scripts/_request_path.ts";

const ORIGIN = "https://words.example.com";
const measured = await measuredApp(ORIGIN);
const authorization = `Bearer ${measured.token}`;
for (const { name, app, auth } of layers(measured)) {
  const init = auth ? { headers: { authorization } } : {};
  const first = await app.request(`${ORIGIN}/api/words`, init);
  if (first.status !== 200) throw new Error(`${name}: ${first.status}`);
  Deno.bench(name, {
    group: "GET /api/words",
    baseline: name === "bare Hono route",
  }, async () => {
    const res = await app.fetch(new Request(`${ORIGIN}/api/words`, init));
    await res.arrayBuffer();
  });
}
