/** The platform API base URLs publishing and analytics talk to. */
export interface PlatformEndpoints {
  instagramGraph: string;
  instagramUpload: string;
  youtubeUpload: string;
  youtubeApi: string;
  youtubeAnalytics: string;
  tiktokApi: string;
  publicUrl: string;
}

/**
 * Platform base URLs from an environment (tests point them at local fakes), defaulting to the real
 * APIs. The composition root passes process.env (services/control-providers.ts, the publish scheduler).
 */
export function endpointsFromEnv(env: NodeJS.ProcessEnv): PlatformEndpoints {
  const trim = (v: string) => v.replace(/\/+$/, "");
  return {
    instagramGraph: trim(env.INSTAGRAM_GRAPH_URL || "https://graph.facebook.com/v21.0"),
    instagramUpload: trim(env.INSTAGRAM_UPLOAD_URL || "https://rupload.facebook.com/ig-api-upload/v21.0"),
    youtubeUpload: trim(env.YOUTUBE_UPLOAD_URL || "https://www.googleapis.com/upload/youtube/v3"),
    youtubeApi: trim(env.YOUTUBE_API_URL || "https://www.googleapis.com/youtube/v3"),
    youtubeAnalytics: trim(env.YOUTUBE_ANALYTICS_URL || "https://youtubeanalytics.googleapis.com/v2"),
    tiktokApi: trim(env.TIKTOK_API_URL || "https://open.tiktokapis.com"),
    // Only this process's view: publishing replaces it with the ledger's publicUrl(), which the server and workers share.
    publicUrl: trim(env.GENJED_PUBLIC_URL || `http://localhost:${env.PORT || 4280}`),
  };
}
