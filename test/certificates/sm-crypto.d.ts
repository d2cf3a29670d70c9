// Types for the parts of sm-crypto (the original JavaScript SM2/SM3/SM4 library) the
// interoperability tests use; the package ships none.
declare module 'sm-crypto' {
  interface SignOptions {
    der?: boolean;
    hash?: boolean;
    publicKey?: string;
    userId?: string;
  }
  const smCrypto: {
    sm2: {
      doSignature(msg: string, privateKey: string, options?: SignOptions): string;
      doVerifySignature(msg: string, signHex: string, publicKey: string, options?: SignOptions): boolean;
    };
  };
  export default smCrypto;
}
