// cosign, key-based here: the signature and the SBOM attestation are pushed next to the image in the
// registry, and verification checks both against the public key. No transparency log on this
// machine (it cannot reach Rekor); GitHub Actions signs keyless with its OIDC token instead
// (.github/workflows/images.yml).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImageBuildError, run } from './tools';

export interface CosignKey {
  key: string;
  pub: string;
  password: string;
}

export class Cosign {
  constructor(
    readonly bin: string,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private exec(args: string[], password: string, what: string) {
    return run(this.bin, args, {
      env: { ...this.env, COSIGN_PASSWORD: password, COSIGN_YES: 'true', SIGSTORE_NO_CACHE: 'true' },
      what,
      timeoutMs: 120_000,
    });
  }

  /** A key pair in `dir` (created once; the password from COSIGN_PASSWORD, empty by default). */
  async keyPair(dir: string): Promise<CosignKey> {
    const password = this.env.COSIGN_PASSWORD ?? '';
    const key = join(dir, 'cosign.key');
    const pub = join(dir, 'cosign.pub');
    if (!existsSync(key) || !existsSync(pub)) {
      mkdirSync(dir, { recursive: true });
      await this.exec(
        ['generate-key-pair', '--output-key-prefix', join(dir, 'cosign')],
        password,
        'cosign generate-key-pair',
      );
    }
    return { key, pub, password };
  }

  private registryFlags(ref: string): string[] {
    return /^(127\.0\.0\.1|localhost)(:\d+)?\//.test(ref) ? ['--allow-http-registry'] : [];
  }

  /** Signs `ref@digest` and attaches the SBOM as a CycloneDX attestation. */
  async sign(ref: string, key: CosignKey, sbomFile: string): Promise<void> {
    if (!/@sha256:[0-9a-f]{64}$/.test(ref)) throw new ImageBuildError(`sign by digest, not by tag: ${ref}`);
    const offline = ['--tlog-upload=false', '--use-signing-config=false'];
    await this.exec(
      ['sign', '--key', key.key, ...offline, ...this.registryFlags(ref), ref],
      key.password,
      `cosign sign ${ref}`,
    );
    await this.exec(
      [
        'attest',
        '--key',
        key.key,
        ...offline,
        ...this.registryFlags(ref),
        '--type',
        'cyclonedx',
        '--predicate',
        sbomFile,
        ref,
      ],
      key.password,
      `cosign attest ${ref}`,
    );
  }

  /**
   * Verifies the signature and the SBOM attestation of `ref` (a tag or a digest): rejects with
   * cosign's reason (no signatures found, a mismatch) when the image is unsigned or was replaced.
   */
  async verify(ref: string, pub: string): Promise<void> {
    const flags = ['--key', pub, '--insecure-ignore-tlog=true', ...this.registryFlags(ref)];
    await this.exec(['verify', ...flags, ref], '', `cosign verify ${ref}`);
    await this.exec(
      ['verify-attestation', ...flags, '--type', 'cyclonedx', ref],
      '',
      `cosign verify-attestation ${ref}`,
    );
  }
}
