using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary><c>MULTI</c>/<c>EXEC</c>: what commits, what fails alone, what aborts everything, and WATCH.</summary>
public sealed class TransactionTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_Commit_EveryCommandGetsItsOwnReply()
    {
        var prefix = redis.NewPrefix();
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        var transaction = client.CreateTransaction();
        var set = transaction.ExecuteAsync(new RedisCommand("SET", prefix + "a", "1").WithKey(), RespParsers.String);
        var increment = transaction.ExecuteAsync(new RedisCommand("INCRBY", prefix + "a", 41).WithKey(), RespParsers.Int64);
        var get = transaction.ExecuteAsync(new RedisCommand("GET", prefix + "a").WithKey(), RespParsers.String);

        (await transaction.ExecuteAsync()).Should().BeTrue();

        (await set).Should().Be("OK");
        (await increment).Should().Be(42);
        (await get).Should().Be("42");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_ErrorInsideExec_FailsOnlyThatCommand()
    {
        var prefix = redis.NewPrefix();
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        await client.ExecuteAsync(new RedisCommand("SET", prefix + "text", "not a number").WithKey(), RespParsers.String);
        var transaction = client.CreateTransaction();
        var before = transaction.ExecuteAsync(new RedisCommand("SET", prefix + "before", "1").WithKey(), RespParsers.String);
        var failing = transaction.ExecuteAsync(new RedisCommand("INCR", prefix + "text").WithKey(), RespParsers.Int64);
        var after = transaction.ExecuteAsync(new RedisCommand("INCR", prefix + "before").WithKey(), RespParsers.Int64);

        (await transaction.ExecuteAsync()).Should().BeTrue("an error at EXEC time does not undo the transaction");

        (await before).Should().Be("OK");
        await FluentActions.Awaiting(async () => await failing).Should().ThrowAsync<RedisServerException>().WithMessage("ERR value is not an integer*");
        (await after).Should().Be(2);
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_CommandRejectedWhileQueuing_ThrowsExecAbortAndNothingRuns()
    {
        var prefix = redis.NewPrefix();
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        var transaction = client.CreateTransaction();
        var first = transaction.ExecuteAsync(new RedisCommand("SET", prefix + "a", "1").WithKey(), RespParsers.String);
        var rejected = transaction.ExecuteAsync(new RedisCommand("SET", prefix + "b").WithKey(), RespParsers.String);
        var last = transaction.ExecuteAsync(new RedisCommand("INCR", prefix + "c").WithKey(), RespParsers.Int64);

        var abort = (await FluentActions.Awaiting(() => transaction.ExecuteAsync()).Should().ThrowAsync<RedisServerException>()).Which;

        abort.Kind.Should().Be(RedisErrorKind.ExecAbort);
        abort.Message.Should().Contain("wrong number of arguments", "the abort names the command that caused it");
        (await FluentActions.Awaiting(async () => await rejected).Should().ThrowAsync<RedisServerException>()).Which.Message.Should().Contain("wrong number of arguments");
        (await FluentActions.Awaiting(async () => await first).Should().ThrowAsync<RedisServerException>()).Which.Kind.Should().Be(RedisErrorKind.ExecAbort);
        (await FluentActions.Awaiting(async () => await last).Should().ThrowAsync<RedisServerException>()).Which.Kind.Should().Be(RedisErrorKind.ExecAbort);
        (await client.ExecuteAsync(new RedisCommand("EXISTS", prefix + "a", prefix + "c").WithKey(), RespParsers.Int64)).Should().Be(0, "nothing ran");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_WatchedKeyUnchanged_Commits()
    {
        var key = redis.NewPrefix() + "watched";
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        await client.ExecuteAsync(new RedisCommand("SET", key, "original").WithKey(), RespParsers.String);
        var transaction = client.CreateTransaction();
        transaction.Watch(key);
        var set = transaction.ExecuteAsync(new RedisCommand("SET", key, "committed").WithKey(), RespParsers.String);

        (await transaction.ExecuteAsync()).Should().BeTrue();

        (await set).Should().Be("OK");
        (await client.ExecuteAsync(new RedisCommand("GET", key).WithKey(), RespParsers.String)).Should().Be("committed");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_WatchRefusedByServer_ThrowsAndNoQueuedCommandHangs()
    {
        var key = redis.NewPrefix() + "watched";
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { AclUser = new RedisAclUser("nowatch", "secret", "~* &* +@all -watch") });
        await using var client = await ClientOptions.ConnectAsync(server.Url, static o => (o.User, o.Password) = ("nowatch", "secret"));
        var transaction = client.CreateTransaction();
        transaction.Watch(key);
        var set = transaction.ExecuteAsync(new RedisCommand("SET", key, "v").WithKey(), RespParsers.String).AsTask();

        var refused = (await FluentActions.Awaiting(() => transaction.ExecuteAsync()).Should().ThrowAsync<RedisServerException>()).Which;

        refused.Kind.Should().Be(RedisErrorKind.NoPerm);
        (await Task.WhenAny(set, Task.Delay(TimeSpan.FromSeconds(10)))).Should().BeSameAs(set, "a queued command's task completes whatever happened to the transaction");
        await FluentActions.Awaiting(() => set).Should().ThrowAsync<RedisServerException>();
        await client.EchoesOwnRepliesAsync(20, "after");
    }

    [Fact(Timeout = 90_000)]
    public async Task ExecuteAsync_WatchedKeyChangedBeforeExec_ReturnsFalseAndNothingRuns()
    {
        var prefix = redis.NewPrefix();
        var key = prefix + "watched";
        await using var admin = await ClientOptions.ConnectAsync(redis.Url, static o => o.ClientName = "admin");
        await using var proxy = await redis.StartProxyAsync();
        await using var client = await ClientOptions.ConnectAsync(proxy.Port, o => o.ClientName = prefix);
        await client.ExecuteAsync(new RedisCommand("SET", key, "original").WithKey(), RespParsers.String);
        var transaction = client.CreateTransaction();
        transaction.Watch(key);
        var set = transaction.ExecuteAsync(new RedisCommand("SET", key, "from-the-transaction:" + new string('x', 600)).WithKey(), RespParsers.String);

        // WATCH … EXEC is written as one unit; trickled byte by byte it reaches the server over seconds,
        // and another client changes the key after WATCH has run and before EXEC arrives.
        proxy.SliceSize = 1;
        proxy.Latency = TimeSpan.FromMilliseconds(5);
        var exec = transaction.ExecuteAsync();
        await Wait.UntilAsync(
            async () => (await admin.ClientListAsync()).Any(c => c.GetValueOrDefault("name") == prefix && (c["cmd"] == "watch" || c["multi"] != "-1")),
            because: "the server has run WATCH and not yet EXEC");
        await admin.ExecuteAsync(new RedisCommand("SET", key, "changed").WithKey(), RespParsers.String);
        exec.IsCompleted.Should().BeFalse("the change must land between WATCH and EXEC");
        proxy.Heal();

        (await exec).Should().BeFalse("a watched key changed");
        await FluentActions.Awaiting(async () => await set).Should().ThrowAsync<OperationCanceledException>();
        (await client.ExecuteAsync(new RedisCommand("GET", key).WithKey(), RespParsers.String)).Should().Be("changed");
    }
}
