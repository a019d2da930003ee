using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Herald.Cli.Output;
using Herald.Security;

namespace Herald.Cli.Commands.Acl;

/// <summary>
/// <c>herald acl</c>: prints the <c>ACL SETUSER</c> lines (from <see cref="AclPlan"/>) that confine a service to its
/// own keys, channels and the commands the bus needs. Offline: it reads a file and prints; it never connects.
/// </summary>
internal static class AclCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("service-config") { Description = "A JSON file naming the service: user, password, keyPrefix, publish and consume destinations." };
        var password = new Option<string>("--password")
        {
            Description = "Overrides the file's password: the secret, >secret, #<sha256>, or nopass.",
            HelpName = "secret|nopass",
        };
        var version = new Option<string>("--redis-version") { Description = "The Redis version the rules are for (7.2 and later also allow CLIENT SETINFO); default 7.0.", HelpName = "version" };

        return new Command("acl", "Print Redis ACL SETUSER lines that limit a service to its own keys, channels and the bus's commands.") { file, password, version }
            .WithHandler((context, parseResult, _) =>
            {
                var service = Load(parseResult.GetValue(file)!, parseResult.GetValue(password), parseResult.GetValue(version));
                AclPlan plan;
                try
                {
                    plan = AclPlan.Create(service);
                }
                catch (InvalidOptionException exception)
                {
                    throw new CliUsageException($"the service config is invalid: {exception.Message}", exception);
                }

                var result = new AclResult(plan.User, plan.SetUserCommands, plan.ToLines(), plan.Commands, plan.KeyPatterns, plan.ChannelPatterns);
                if (context.Json)
                {
                    context.WriteJson(result, CliJsonContext.Output.AclResult);
                }
                else
                {
                    // Straight to standard output, never wrapped to a console width: "herald acl svc.json | redis-cli" applies them.
                    foreach (var line in result.Lines)
                    {
                        context.Output.WriteLine(line);
                    }

                    context.Output.Flush();
                }

                return Task.FromResult(ExitCodes.Success);
            });
    }

    private static AclService Load(string path, string? passwordOverride, string? versionOverride)
    {
        AclServiceFile config;
        try
        {
            using var stream = File.OpenRead(path);
            config = JsonSerializer.Deserialize(stream, CliJsonContext.Output.AclServiceFile)
                ?? throw new CliUsageException($"'{path}' holds null, not a service object.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot read '{path}': {exception.Message}", exception);
        }
        catch (JsonException exception)
        {
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture,
                $"'{path}' is not a valid service config (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}): {exception.Message.Split(" Path:", 2)[0]}"), exception);
        }

        var service = new AclService
        {
            User = config.User ?? string.Empty,
            Password = config.Password,
            PasswordHash = config.PasswordHash,
            NoPassword = config.NoPassword,
            KeyPrefix = config.KeyPrefix ?? Keys.KeySchema.DefaultPrefix,
            RedisVersion = ParseVersion(versionOverride ?? config.RedisVersion),
            Tasks = config.Tasks,
        };
        if (passwordOverride is not null)
        {
            (service.Password, service.PasswordHash, service.NoPassword) = passwordOverride switch
            {
                "nopass" => ((string?)null, (string?)null, true),
                ['>', .. var secret] => (secret, null, false),
                ['#', .. var hash] => (null, hash, false),
                _ => (passwordOverride, null, false),
            };
        }

        DestinationKind[] publishable = [DestinationKind.Stream, DestinationKind.Queue, DestinationKind.Channel];
        foreach (var destination in config.Publish ?? [])
        {
            service.Publish.Add(CliArguments.Destination(destination, publishable));
        }

        foreach (var destination in config.Consume ?? [])
        {
            service.Consume.Add(CliArguments.Destination(destination, [.. publishable, DestinationKind.Pattern]));
        }

        return service;
    }

    private static Version? ParseVersion(string? text) =>
        text is null ? null
        : Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var version) ? version
        : throw new CliUsageException($"'{text}' is not a Redis version such as 7.2.");
}
