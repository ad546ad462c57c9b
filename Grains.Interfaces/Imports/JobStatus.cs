namespace Villages;

/// <summary>A background job's status: its state, and the same status ended (completed or cut short) at a moment.</summary>
public interface IJobStatus<TSelf> where TSelf : IJobStatus<TSelf>
{
    ImportState State { get; }

    TSelf Ended(ImportState state, DateTimeOffset at);
}
