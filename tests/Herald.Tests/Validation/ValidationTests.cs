using System.ComponentModel.DataAnnotations;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tests.Validation;

[HeraldMessage("test.signup")]
public sealed record Signup([property: Required, EmailAddress] string Email, [property: Range(13, 130)] int Age);

public sealed class ValidationTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_signups = Destination.Stream("signups");

    [Fact]
    public async Task Publish_MessageBreakingItsAnnotations_ThrowsListingEveryRuleAndWritesNothing()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());

        var publish = () => bus.PublishAsync(s_signups, new Signup("not-an-email", 5)).AsTask();

        var error = (await publish.Should().ThrowAsync<MessageValidationException>()).Which;
        error.Errors.Should().HaveCount(2);
        error.Message.Should().StartWith("test.signup is invalid: ").And.Contain("Email").And.Contain("Age");
        (await bus.Redis!.StreamLengthAsync(bus.Keys.Stream("signups"))).Should().Be(0);
    }

    [Fact]
    public async Task Consume_InvalidMessageFromProducerThatDoesNotValidate_DeadLettersInvalid()
    {
        var prefix = fixture.NewPrefix();
        await using var producer = await fixture.CreateBusAsync(prefix, o => o.ValidateOnPublish = false);
        await using var bus = await fixture.CreateBusAsync(prefix);
        var handled = new List<string>();
        await using var consumer = await bus.Consume(s_signups, BusFixture.Fast)
            .Handle<Signup>((c, _) => { lock (handled) { handled.Add(c.Message.Email); } return ValueTask.CompletedTask; })
            .StartAsync();

        var invalid = await producer.PublishAsync(s_signups, new Signup("ann@example.com", 7));
        await producer.PublishAsync(s_signups, new Signup("bob@example.com", 30));

        var dead = await BusFixture.DeadLetterAsync(bus, "signups");
        dead.GetString("dlq-reason").Should().Be("Invalid");
        dead.GetString("dlq-error-type").Should().Be(typeof(MessageValidationException).FullName);
        dead.GetString("dlq-origin-id").Should().Be(invalid.EntryId);
        dead.GetString("dlq-attempts").Should().Be("1", "no retry can make a message valid");
        await Wait.UntilAsync(() => { lock (handled) { return handled.Count == 1; } });
        handled.Should().Equal("bob@example.com");
    }

    [Fact]
    public async Task Consume_ValidationTurnedOff_HandlerGetsTheInvalidMessage()
    {
        var prefix = fixture.NewPrefix();
        await using var producer = await fixture.CreateBusAsync(prefix, o => o.ValidateOnPublish = false);
        await using var bus = await fixture.CreateBusAsync(prefix);
        var received = new TaskCompletionSource<Signup>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = await bus.Consume(s_signups, o => { BusFixture.Fast(o); o.ValidateMessages = false; })
            .Handle<Signup>((c, _) => { received.TrySetResult(c.Message); return ValueTask.CompletedTask; })
            .StartAsync();

        await producer.PublishAsync(s_signups, new Signup("x", 1));

        (await received.Task.WaitAsync(Wait.DefaultTimeout)).Should().Be(new Signup("x", 1));
    }
}
