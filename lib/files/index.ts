export { checkReference, createFileResolver, FileNotFoundError, INSTALL_ROOT, PathNotAllowedError, UPLOAD_PREFIX, type FileResolver, type FileResolverOptions, type ResolvedFile, type UploadedFile, type UploadLookup } from "./resolver.js";
export { JsonTextError, parseJsonText } from "./json.js";
