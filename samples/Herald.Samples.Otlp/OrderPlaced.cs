namespace Herald.Samples.Otlp;

/// <summary>The sample's message.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Amount">What to bill.</param>
[HeraldMessage("sample.order.placed")]
internal sealed record OrderPlaced(string OrderId, decimal Amount);
