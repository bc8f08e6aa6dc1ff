// Reads an OCI archive (what `buildah push oci-archive:` writes): its manifest, config and the size
// of its layers, compressed (what a registry stores and a node pulls) and uncompressed (on disk).
import { execFileSync, spawn } from 'node:child_process';
import { createGunzip } from 'node:zlib';

export interface OciManifest {
  config: { digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number }[];
  annotations?: Record<string, string>;
}

export interface OciConfig {
  config: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, object>;
    StopSignal?: string;
  };
  rootfs: { diff_ids: string[] };
}

function member(archive: string, path: string): Buffer {
  return execFileSync('tar', ['-xOf', archive, path], { maxBuffer: 1024 * 1024 * 1024 });
}

function blob(archive: string, digest: string): Buffer {
  return member(archive, `blobs/${digest.replace(':', '/')}`);
}

export function readArchive(archive: string): { manifest: OciManifest; config: OciConfig } {
  const index = JSON.parse(member(archive, 'index.json').toString('utf8')) as {
    manifests: { digest: string }[];
  };
  const manifest = JSON.parse(blob(archive, index.manifests[0]!.digest).toString('utf8')) as OciManifest;
  const config = JSON.parse(blob(archive, manifest.config.digest).toString('utf8')) as OciConfig;
  return { manifest, config };
}

/** Bytes of a layer once gunzipped (streamed: layers are large). */
function uncompressedSize(archive: string, digest: string, gzipped: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-xOf', archive, `blobs/${digest.replace(':', '/')}`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let n = 0;
    const stream = gzipped ? tar.stdout.pipe(createGunzip()) : tar.stdout;
    stream.on('data', (d: Buffer) => (n += d.length));
    stream.on('end', () => resolve(n));
    stream.on('error', reject);
  });
}

export async function archiveSizes(archive: string): Promise<{ compressed: number; uncompressed: number }> {
  const { manifest } = readArchive(archive);
  let compressed = manifest.config.size;
  let uncompressed = manifest.config.size;
  for (const layer of manifest.layers) {
    compressed += layer.size;
    uncompressed += await uncompressedSize(archive, layer.digest, layer.mediaType.endsWith('+gzip'));
  }
  return { compressed, uncompressed };
}

/** Every entry of every layer: `mode uid/gid size date time path` lines of `tar -tv`. */
export function layerListing(archive: string): { mode: string; owner: string; path: string }[] {
  const { manifest } = readArchive(archive);
  const out: { mode: string; owner: string; path: string }[] = [];
  for (const layer of manifest.layers) {
    const data = blob(archive, layer.digest);
    const z = layer.mediaType.endsWith('+gzip') ? ['-z'] : [];
    const listing = execFileSync('tar', ['--numeric-owner', '-tv', ...z, '-f', '-'], {
      input: data,
      maxBuffer: 256 * 1024 * 1024,
    }).toString('utf8');
    for (const line of listing.split('\n')) {
      const m = /^(\S+)\s+(\S+)\s+\d+\s+\S+\s+\S+\s+(.*?)(?: -> .*)?$/.exec(line);
      if (m) out.push({ mode: m[1]!, owner: m[2]!, path: m[3]! });
    }
  }
  return out;
}
