export { ALLOW_ENV, allowListFromEnv, classifyAddress, isAllowed, nonPublicReason, parseAllowList, type AllowList, type Classification } from "./classify.js";
export { checkUrl, displayUrl, guardedFetch, outboundRequest, OutboundError, OutboundRefusedError, type FetchLike, type OutboundOptions, type OutboundResponse } from "./guard.js";
