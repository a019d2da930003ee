namespace Herald.Transports.Lists;

/// <summary>
/// What a list delivery needs to be finished: the exact bytes in the processing list (an
/// acknowledgement removes that very item), the priority level it came from (a retry or a hand-back
/// returns to it), and its field in the delivery counter hash when the reaper has counted it.
/// </summary>
/// <param name="Raw">The item as stored.</param>
/// <param name="Level">The priority level it was taken from.</param>
/// <param name="CounterField">Its delivery counter field, or null when it has none.</param>
internal sealed record ListItem(ReadOnlyMemory<byte> Raw, int Level, string? CounterField);
