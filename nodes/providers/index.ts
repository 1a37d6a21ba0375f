/**
 * The providers a node can ask for with ctx.provider(kind). Each generating node has a `local`
 * provider (offline, deterministic, $0) and a `replicate` one. Filled in by the provider modules.
 */
export interface Providers {}
