using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Herald.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Prometheus.Tests;

[HeraldMessage("test.invoice")]
public sealed record Invoice(string Id);

/// <summary>A real Kestrel host maps /metrics; real bus traffic on a real redis-server moves the scraped figures.</summary>
public sealed class MetricsEndpointTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private static readonly HttpClient s_http = new();
    private WebApplication _app = null!;
    private Uri _metrics = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHeraldPrometheus();
        _app = builder.Build();
        _app.MapHeraldMetrics();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _metrics = new Uri(new Uri(address), "/metrics");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task MetricsEndpoint_BusTraffic_ValidExpositionWhoseFiguresMoveBetweenScrapes()
    {
        await using var bus = await HeraldClient.CreateBuilder().UseRedis(redis.Url).Configure(o => o.KeyPrefix = redis.NewPrefix().TrimEnd(':')).BuildAsync();
        var name = $"invoices-{Guid.NewGuid():N}";
        var invoices = Destination.Stream(name);
        var handled = new ConcurrentBag<string>();
        await using var consumer = await bus.Consume(invoices, o =>
            {
                o.Group = "billing";
                o.StartFrom = "0";
                o.BlockTime = TimeSpan.FromMilliseconds(100);
            })
            .Handle<Invoice>((c, _) =>
            {
                handled.Add(c.Message.Id);
                return ValueTask.CompletedTask;
            })
            .StartAsync();
        var mine = new Dictionary<string, string> { ["messaging_destination_name"] = name };

        await bus.PublishBatchAsync(invoices, [new Invoice("1"), new Invoice("2"), new Invoice("3")]);
        var first = await ScrapeUntilAsync(e => Sum(e, "herald_messages_acked_total", mine) == 3, "three invoices are acknowledged");

        await bus.PublishBatchAsync(invoices, [new Invoice("4"), new Invoice("5")]);
        var second = await ScrapeUntilAsync(e => Sum(e, "herald_messages_acked_total", mine) == 5, "five invoices are acknowledged");

        first.Families.Should().Contain(new KeyValuePair<string, string>("herald_messages_published_total", "counter"))
            .And.Contain(new KeyValuePair<string, string>("herald_message_processing_duration_seconds", "histogram"))
            .And.Contain(new KeyValuePair<string, string>("herald_message_latency_seconds", "histogram"))
            .And.Contain(new KeyValuePair<string, string>("herald_consumer_in_flight", "gauge"))
            .And.Contain(new KeyValuePair<string, string>("herald_redis_commands_total", "counter"));
        Sum(first, "herald_messages_published_total", mine).Should().Be(3);
        Sum(second, "herald_messages_published_total", mine).Should().Be(5);
        Sum(first, "herald_messages_delivered_total", mine).Should().Be(3);
        Sum(second, "herald_messages_delivered_total", mine).Should().Be(5);
        Sum(first, "herald_message_processing_duration_seconds_count", mine).Should().Be(3);
        Sum(second, "herald_message_processing_duration_seconds_count", mine).Should().Be(5);
        Sum(second, "herald_message_latency_seconds_count", mine).Should().Be(5);
        Sum(second, "herald_messages_published_total", new() { ["messaging_destination_name"] = name, ["herald_message_type"] = "test.invoice", ["herald_destination_kind"] = "stream" })
            .Should().Be(5, "published figures carry the message type and kind");
        Sum(second, "herald_messages_acked_total", new() { ["messaging_destination_name"] = name, ["messaging_consumer_group_name"] = "billing" }).Should().Be(5);
        Sum(second, "herald_redis_commands_total", []).Should().BeGreaterThan(Sum(first, "herald_redis_commands_total", []), "the client's figures come too");
        second.Samples("herald_consumer_in_flight").Should().Contain(s => s.Labels.GetValueOrDefault("messaging_client_id") == consumer.Name && s.Labels["messaging_destination_name"] == name);
        handled.Should().HaveCount(5);
    }

    [Fact]
    public async Task MetricsEndpoint_Get_AnswersWithTheVersionedTextContentType()
    {
        using var response = await s_http.GetAsync(_metrics);

        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType.Should().Be(MediaTypeHeaderValue.Parse("text/plain; version=0.0.4; charset=utf-8"));
        ExpositionParser.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<Exposition> ScrapeUntilAsync(Func<Exposition, bool> condition, string because)
    {
        Exposition? last = null;
        await Wait.UntilAsync(async () =>
        {
            using var response = await s_http.GetAsync(_metrics);
            response.EnsureSuccessStatusCode();
            response.Content.Headers.ContentType!.ToString().Should().Be(PrometheusCollector.ContentType);
            last = ExpositionParser.Parse(await response.Content.ReadAsStringAsync());
            return condition(last);
        }, because: because);
        return last!;
    }

    private static double Sum(Exposition exposition, string name, Dictionary<string, string> labels) =>
        exposition.Samples(name).Where(s => labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Sum(s => s.Value);
}
