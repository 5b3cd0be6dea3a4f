// The demo loads scripts from the server its link names: only a server on this machine, so that a crafted
// link cannot make the demo run a stranger's code.
export function loopbackApi() {
  const api = new URL(new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:8080/");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(api.hostname) || !["http:", "https:"].includes(api.protocol)) {
    const refusal = document.createElement("p");
    refusal.setAttribute("role", "alert");
    refusal.textContent = `演示页只接受本机的信诺服务器，不加载 ${api.origin} 的脚本。 / The demo accepts only a Xinnuo server on this machine; it will not load scripts from ${api.origin}.`;
    document.body.prepend(refusal);
    throw new Error(`demo: refused non-loopback api ${api.origin}`);
  }
  return api;
}
