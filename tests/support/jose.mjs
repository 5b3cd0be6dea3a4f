// An independent verifier built only on Node's own crypto: it shares no code with Xinnuo, so when it
// accepts our envelopes and receipts, any JOSE implementation can.
import { createPublicKey, verify, createHash, randomBytes, sign as nodeSign } from "node:crypto";

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
  // SD-JWT (RFC 9901): each disclosure's digest must be one the payload signed.
  const disclosed = {};
  const signedDigests = new Set(payload.values?._sd ?? []);
  for (const disclosure of jws.header?.disclosures ?? []) {
    const digest = createHash("sha256").update(disclosure, "ascii").digest("base64url");
    if (!signedDigests.has(digest)) throw new Error("a disclosure's digest is not in the signed payload");
    const [salt, field, value] = JSON.parse(fromB64u(disclosure).toString("utf8"));
    if (fromB64u(salt).length < 16) throw new Error("salt shorter than 128 bits");
    disclosed[field] = value;
  }
  return { header, payload, payloadBytes, submissionId, disclosed };
}

/** Disclosures made by `disclose`, by digest, so that `signFlattenedJws` can attach them. */
const knownDisclosures = new Map();

/** An SD-JWT disclosure `[salt, field, value]` of a personal value; returns its digest for `values._sd`. */
export function disclose(field, value) {
  const encoded = Buffer.from(JSON.stringify([randomBytes(16).toString("base64url"), field, value])).toString("base64url");
  const digest = createHash("sha256").update(encoded, "ascii").digest("base64url");
  knownDisclosures.set(digest, encoded);
  return digest;
}

/**
 * Signs `payload` (any JSON) as a flattened JWS with a Node Ed25519 private key; `claimedJwk` may lie. The
 * disclosures of any `values._sd` digests made by `disclose` go with it under `header.disclosures`.
 */
export function signFlattenedJws(payload, privateKey, claimedJwk) {
  const jwk = claimedJwk ?? (() => {
    const { x } = createPublicKey(privateKey).export({ format: "jwk" });
    return { crv: "Ed25519", kty: "OKP", x };
  })();
  const protectedB64 = Buffer.from(canonicalize({ alg: "EdDSA", jwk, kid: thumbprint(jwk) })).toString("base64url");
  const payloadB64 = Buffer.from(canonicalize(payload)).toString("base64url");
  const signature = nodeSign(null, Buffer.from(`${protectedB64}.${payloadB64}`), privateKey).toString("base64url");
  const disclosures = (payload?.values?._sd ?? []).map((digest) => knownDisclosures.get(digest)).filter(Boolean);
  const header = disclosures.length ? { header: { disclosures } } : {};
  return JSON.stringify({ ...header, protected: protectedB64, payload: payloadB64, signature });
}
