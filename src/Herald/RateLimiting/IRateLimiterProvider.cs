namespace Herald.RateLimiting;

/// <summary>
/// A transport that keeps rate limits itself because it has no Redis (the in-memory transport of Herald.Testing):
/// a <see cref="HeraldClient"/> without Redis uses its limiter, so limits are shared by every client of the transport.
/// </summary>
internal interface IRateLimiterProvider
{
    /// <summary>The limiter shared by every client of the transport.</summary>
    GlobalRateLimiter RateLimiter { get; }
}
