using Herald.Testing;

namespace Herald.Tasks.Tests;

public sealed class TaskValidationTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    [Fact]
    public void Validate_DelayAndRunAtTogether_Refused()
    {
        var options = new TaskOptions { Delay = TimeSpan.FromSeconds(1), RunAt = DateTimeOffset.UnixEpoch };

        options.Invoking(static o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*Delay or RunAt*");
    }

    [Fact]
    public void Validate_TaskIdWithABrace_Refused()
    {
        var options = new TaskOptions { TaskId = "a{b}" };

        options.Invoking(static o => o.Validate()).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Resolve_RoutesInOrder_FirstMatchWinsAndOthersFallThrough()
    {
        var routes = new TaskRoutes().Add("images.thumbnail", "fast").Add("images.*", "images");

        routes.Resolve("images.thumbnail").Should().Be("fast");
        routes.Resolve("images.resize").Should().Be("images");
        routes.Resolve("mail.send").Should().BeNull();
    }

    [Fact]
    public void Add_StarInTheMiddle_Refused()
    {
        new TaskRoutes().Invoking(static r => r.Add("images.*.big", "q")).Should().Throw<ArgumentException>().WithMessage("*only end in '*'*");
    }

    [Fact]
    public void DelayFor_WithoutJitter_DoublesUpToTheCap()
    {
        var settings = new TaskSettings { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(5), RetryJitter = false };

        Enumerable.Range(1, 5).Select(settings.DelayFor).Should().Equal(
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void DelayFor_WithJitter_BetweenHalfAndAllOfTheBackoff()
    {
        var settings = new TaskSettings { RetryDelay = TimeSpan.FromSeconds(4) };

        Enumerable.Range(0, 100).Select(_ => settings.DelayFor(1)).Should().OnlyContain(static d => d >= TimeSpan.FromSeconds(2) && d <= TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task EnqueueAsync_ReservedHeaderPrefix_Refused()
    {
        await using var bench = await fixture.StartAsync();

        var enqueue = async () => await bench.Tasks.EnqueueAsync("x", 1, new TaskOptions { Headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["task-timeout"] = "1" } });

        await enqueue.Should().ThrowAsync<ArgumentException>().WithMessage("*reserved*");
    }

    [Fact]
    public async Task Register_SameNameTwice_Refused()
    {
        await using var bench = await fixture.StartAsync();

        var builder = bench.Worker().Register<int>("dup", (_, _, _) => ValueTask.CompletedTask);

        builder.Invoking(b => b.Register<int>("dup", (_, _, _) => ValueTask.CompletedTask)).Should().Throw<ArgumentException>().WithMessage("*registered already*");
    }

    [Fact]
    public async Task StartAsync_NoTasks_Refused()
    {
        await using var bench = await fixture.StartAsync();

        var start = async () => await bench.Worker().StartAsync();

        await start.Should().ThrowAsync<InvalidOperationException>().WithMessage("*at least one task*");
    }

    [Fact]
    public async Task CreateTaskClient_InMemoryBus_RefusedWithTheReason()
    {
        await using var harness = await HeraldTestHarness.StartAsync();

        harness.Bus.Invoking(static b => b.CreateTaskClient()).Should().Throw<InvalidOperationException>().WithMessage("*state in Redis*");
    }
}
