using System.ComponentModel.DataAnnotations;
using Herald.Consuming;

namespace Herald.Validation;

/// <summary>Validates decoded messages with DataAnnotations; an invalid message goes to the dead-letter store, never to the handler.</summary>
internal sealed class ValidationMiddleware : IConsumeMiddleware
{
    public ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        MessageValidator.ThrowIfInvalid(context.Message, context.Envelope.Type);
        return next(context);
    }
}

/// <summary>DataAnnotations validation shared by publishing and consuming.</summary>
public static class MessageValidator
{
    /// <summary>Throws <see cref="MessageValidationException"/> listing every failed rule of <paramref name="message"/>.</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Validation reads the message type's own attributes.")]
    public static void ThrowIfInvalid(object? message, string messageType)
    {
        if (message is null or string or byte[] or ReadOnlyMemory<byte>)
        {
            return;
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(message, new ValidationContext(message), results, validateAllProperties: true))
        {
            throw new MessageValidationException(messageType, [.. results.Select(static r => r.ErrorMessage ?? string.Join(",", r.MemberNames))]);
        }
    }
}
