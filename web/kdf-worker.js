// The key-file cryptography (Argon2id, AES-256-GCM) off the page's main thread, so that making or unlocking a
// key — or a hostile key file's costly parameters — never freezes the page, and the page's own wasm carries
// neither. One request at a time per message:
// { id, seal: { seed, passphrase, salt, nonce, createdAt, label } } → { id, keyFile: "…JSON…" }
// { id, open: { keyFile, passphrase } } → { id, seed: Uint8Array }
// A refusal → { id, error: { code, message_zh, message_en } }.
import init, { openKeyFile, sealKeyFile } from "./kdf/xinnuo_kdf.js";

const ready = init({ module_or_path: new URL("./kdf/xinnuo_kdf_bg.wasm", import.meta.url) });

self.onmessage = async ({ data: { id, seal, open } }) => {
  try {
    await ready;
    if (seal) {
      const { seed, passphrase, salt, nonce, createdAt, label } = seal;
      const keyFile = sealKeyFile(seed, passphrase, salt, nonce, createdAt, label);
      seed.fill(0);
      self.postMessage({ id, keyFile });
    } else {
      const seed = openKeyFile(open.keyFile, open.passphrase);
      self.postMessage({ id, seed }, [seed.buffer]);
    }
  } catch (error) {
    // The core's refusals come as { code, message_zh, message_en }; anything else (the module failed to load)
    // is said in both languages here.
    const message = String(error?.message ?? error);
    const failed = { code: "key_worker", message_zh: `密钥处理失败：${message}`, message_en: `Working on the key failed: ${message}` };
    self.postMessage({ id, error: error?.code ? error : failed });
  }
};
