// Herald's traces and metrics to any OpenTelemetry collector (Jaeger, Grafana Alloy, the Collector...)
// over OTLP. The exporter reads the standard variables: OTEL_EXPORTER_OTLP_ENDPOINT (default
// http://localhost:4317, gRPC), OTEL_EXPORTER_OTLP_PROTOCOL (grpc or http/protobuf), OTEL_SERVICE_NAME.
//
//   dotnet run --project samples/Herald.Samples.Otlp -- redis://localhost:6379
using System.Diagnostics;
using Herald;
using Herald.Diagnostics;
using Herald.Redis.Diagnostics;
using Herald.Samples.Otlp;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var redisUrl = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("HERALD_REDIS") ?? "redis://localhost:6379";
var resource = ResourceBuilder.CreateDefault().AddService("herald-otlp-sample");

// Spans: Herald's producer span on publish and consumer span per message, linked through the envelope's traceparent.
using var tracing = Sdk.CreateTracerProviderBuilder()
    .SetResourceBuilder(resource)
    .AddSource(HeraldDiagnostics.Name)
    .AddOtlpExporter()
    .Build();

// Figures: Meter("Herald") for the bus, Meter("Herald.Redis") for the Redis client underneath.
using var metrics = Sdk.CreateMeterProviderBuilder()
    .SetResourceBuilder(resource)
    .AddMeter(HeraldDiagnostics.Name, RedisClientMetrics.MeterName)
    .AddOtlpExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5000)
    .Build();

await using var bus = await HeraldClient.CreateBuilder().UseRedis(redisUrl).BuildAsync();
var orders = Destination.Stream("otlp-sample-orders");
const int Count = 10;
var handled = 0;
var allHandled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
await using var consumer = await bus.Consume(orders, o => o.Group = "billing")
    .Handle<OrderPlaced>((context, _) =>
    {
        // Activity.Current is Herald's consumer span: the handler's own work joins the producer's trace.
        Console.WriteLine($"billed {context.Message.OrderId} in trace {Activity.Current?.TraceId}");
        if (Interlocked.Increment(ref handled) == Count)
        {
            allHandled.TrySetResult();
        }

        return ValueTask.CompletedTask;
    })
    .StartAsync();

await bus.PublishBatchAsync(orders, Enumerable.Range(1, Count).Select(i => new OrderPlaced($"A-{i}", i * 10m)));

await allHandled.Task.WaitAsync(TimeSpan.FromSeconds(30));

await consumer.StopAsync();

// Disposing the providers would flush too; flushing here sends everything before the summary line.
tracing.ForceFlush();
metrics.ForceFlush();
Console.WriteLine($"{handled} of {Count} orders handled; spans and metrics flushed to the OTLP exporter.");
