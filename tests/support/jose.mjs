// An independent verifier built only on Node's own crypto: it shares no code with Xinnuo, so when it
// accepts our envelopes and receipts, any JOSE implementation can.
import { createPublicKey, verify, createHash, sign as nodeSign } from "node:crypto";

/** RFC 8785 (JCS) for JSON values as JSON.parse returns them. */
export function canonicalize(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalize).join(",")}]`;
  // Keys sorted by UTF-16 code units, which is what JavaScript's default sort compares.
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalize(value[k])}`).join(",")}}`;
}

const fromB64u = (text) => Buffer.from(text, "base64url");

/** RFC 7638 thumbprint of an OKP key. */
export function thumbprint(jwk) {
  const members = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`;
  return createHash("sha256").update(members).digest("base64url");
}

/**
 * Verifies a flattened JWS with alg EdDSA and an embedded jwk; `trustedJwk`, when given, must be the signer.
 * Returns { header, payload, payloadBytes, submissionId }; throws on any failure.
 */
export function verifyFlattenedJws(jwsText, trustedJwk) {
  const jws = typeof jwsText === "string" ? JSON.parse(jwsText) : jwsText;
  const header = JSON.parse(fromB64u(jws.protected).toString("utf8"));
  if (header.alg !== "EdDSA") throw new Error(`alg ${header.alg}`);
  const jwk = trustedJwk ?? header.jwk;
  if (header.kid !== thumbprint(jwk)) throw new Error("kid is not the thumbprint of the key");
  const key = createPublicKey({ key: jwk, format: "jwk" });
  const signingInput = Buffer.from(`${jws.protected}.${jws.payload}`, "ascii");
  if (!verify(null, signingInput, key, fromB64u(jws.signature))) throw new Error("signature does not verify");
  const payloadBytes = fromB64u(jws.payload);
  const payload = JSON.parse(payloadBytes.toString("utf8"));
  const submissionId = createHash("sha256").update(signingInput).digest("hex");
  return { header, payload, payloadBytes, submissionId };
}

/** Signs `payload` (any JSON) as a flattened JWS with a Node Ed25519 private key; `claimedJwk` may lie. */
export function signFlattenedJws(payload, privateKey, claimedJwk) {
  const jwk = claimedJwk ?? (() => {
    const { x } = createPublicKey(privateKey).export({ format: "jwk" });
    return { crv: "Ed25519", kty: "OKP", x };
  })();
  const protectedB64 = Buffer.from(canonicalize({ alg: "EdDSA", jwk, kid: thumbprint(jwk) })).toString("base64url");
  const payloadB64 = Buffer.from(canonicalize(payload)).toString("base64url");
  const signature = nodeSign(null, Buffer.from(`${protectedB64}.${payloadB64}`), privateKey).toString("base64url");
  return JSON.stringify({ protected: protectedB64, payload: payloadB64, signature });
}
