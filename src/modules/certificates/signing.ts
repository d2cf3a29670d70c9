// Signatures over a certificate's statement. SM2 with SM3 as GB/T 32918 (and GM/T 0009) define
// it: the digest covers Z = SM3(ENTL || signer ID || curve || public key), so the signer ID is part
// of what is verified; Node's own crypto cannot do this, so SM2 comes from sm-crypto-v2. Ed25519,
// the option, comes from Node's crypto. Signatures are DER (SM2) or the raw 64 bytes (Ed25519),
// which is what openssl and other libraries read. Nothing here is a home-made primitive.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';

export const algorithms = ['SM2', 'Ed25519'] as const;
export type Algorithm = (typeof algorithms)[number];

/** The default SM2 signer ID (GM/T 0009). */
export const DEFAULT_SIGNER_ID = '1234567812345678';

// SubjectPublicKeyInfo header for an SM2 key: id-ecPublicKey with the SM2 curve (1.2.156.10197.1.301),
// followed by the uncompressed point; openssl 3 reads it as an SM2 key.
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function sm2PublicKeyPem(publicKeyHex: string): string {
  return pem('PUBLIC KEY', Buffer.concat([SM2_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]));
}

export interface GeneratedKey {
  publicKeyHex: string;
  publicKeyPem: string;
  /** What is stored (encrypted): SM2 private scalar in hex, or an Ed25519 PKCS#8 PEM. */
  privateKey: string;
}

export function generateSigningKey(algorithm: Algorithm): GeneratedKey {
  if (algorithm === 'SM2') {
    const kp = sm2.generateKeyPairHex();
    return { publicKeyHex: kp.publicKey, publicKeyPem: sm2PublicKeyPem(kp.publicKey), privateKey: kp.privateKey };
  }
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    publicKeyHex: spki.subarray(spki.length - 32).toString('hex'),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Signs with a private key already decrypted; keeps parsed key material for repeated use. */
export class Signer {
  private readonly edKey?: KeyObject;
  constructor(
    readonly algorithm: Algorithm,
    private readonly privateKey: string,
    private readonly publicKeyHex: string,
    readonly signerId: string | null,
  ) {
    if (algorithm === 'Ed25519') this.edKey = createPrivateKey(privateKey);
  }

  sign(message: string | Uint8Array): Buffer {
    if (this.algorithm === 'SM2') {
      const hex = sm2.doSignature(message, this.privateKey, { hash: true, der: true, publicKey: this.publicKeyHex, userId: this.signerId ?? DEFAULT_SIGNER_ID });
      return Buffer.from(hex, 'hex');
    }
    return edSign(null, typeof message === 'string' ? Buffer.from(message, 'utf8') : message, this.edKey!);
  }
}

/** Verifies with a public key; the SM2 point is precomputed once per key. */
export class Verifier {
  private readonly sm2Point?: ReturnType<typeof sm2.precomputePublicKey>;
  private readonly edKey?: KeyObject;
  constructor(
    readonly algorithm: Algorithm,
    publicKeyHex: string,
    publicKeyPem: string,
    readonly signerId: string | null,
  ) {
    if (algorithm === 'SM2') this.sm2Point = sm2.precomputePublicKey(publicKeyHex);
    else this.edKey = createPublicKey(publicKeyPem);
  }

  verify(message: string | Uint8Array, signature: Buffer): boolean {
    try {
      if (this.algorithm === 'SM2') {
        return sm2.doVerifySignature(message, signature.toString('hex'), this.sm2Point!, { hash: true, der: true, userId: this.signerId ?? DEFAULT_SIGNER_ID });
      }
      return signature.length === 64 && edVerify(null, typeof message === 'string' ? Buffer.from(message, 'utf8') : message, this.edKey!, signature);
    } catch {
      // A signature that does not even decode (bad DER) is simply not valid.
      return false;
    }
  }
}
