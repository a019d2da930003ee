namespace Herald.Testing.Tests;

[HeraldMessage("test.order.placed")]
public sealed record OrderPlaced(string OrderId, decimal Amount);

[HeraldMessage("test.order.cancelled")]
public sealed record OrderCancelled(string OrderId);
