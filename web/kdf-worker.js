// Derives key-file keys (Argon2id) off the page's main thread, so that creating or unlocking a key — or a
// hostile key file's costly parameters — never freezes the page. One request at a time per message:
// { id, passphrase, salt: Uint8Array, m, t, p } → { id, key: Uint8Array } | { id, error }.
import init, { deriveKey } from "./kdf/xinnuo_kdf.js";

const ready = init({ module_or_path: new URL("./kdf/xinnuo_kdf_bg.wasm", import.meta.url) });

self.onmessage = async ({ data: { id, passphrase, salt, m, t, p } }) => {
  try {
    await ready;
    const key = deriveKey(passphrase, salt, m, t, p);
    self.postMessage({ id, key }, [key.buffer]);
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};
