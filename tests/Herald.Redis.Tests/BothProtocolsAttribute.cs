using System.Reflection;
using Xunit.Sdk;

namespace Herald.Redis.Tests;

/// <summary>Runs a <see cref="TheoryAttribute"/> once per protocol: the test takes one <see cref="RedisProtocol"/> argument.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BothProtocolsAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
    [
        [RedisProtocol.Resp2],
        [RedisProtocol.Resp3],
    ];
}
