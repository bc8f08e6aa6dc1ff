export {
  IMAGES,
  imageSpec,
  IMAGE_NODE_FLAGS,
  SERVICE_CONTAINERFILE,
  CHAOS_CONTAINERFILE,
  BASE_CONTAINERFILE,
} from './catalogue';
export type { ImageSpec } from './catalogue';
export { buildIdentity, imageTag, imageTags, ociLabels, sourceUrl, IMAGE_TAG, OCI_TAG } from './identity';
export type { BuildIdentity } from './identity';
export { parsePackageLock, packagesInTar, pinnedNode, ensureBase, BASE_REPOSITORY } from './base';
export type { BaseImage, DebianPackage } from './base';
export { stageApp, traceFiles } from './stage';
export { startRegistry } from './registry';
export type { LocalRegistry } from './registry';
export { Cosign } from './sign';
export { imageBom, npmBom, debianPurl } from './sbom';
export type { CdxBom, CdxComponent } from './sbom';
export { buildImages, readReport, reportTable, selectImages, IMAGE_SIZE_BUDGET_BYTES } from './build';
export type { BuiltImage, ImagesReport, BuildOptions } from './build';
export { archiveSizes, layerListing, readArchive } from './archive';
export { Buildah, ImageBuildError, buildahStorageArgs, goTool, debianTool } from './tools';
