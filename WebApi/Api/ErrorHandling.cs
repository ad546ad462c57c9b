using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Villages.WebApi.Api;

/// <summary>
/// The last line: a cluster or database outage is a 503 with Retry-After (clients retry, enrolment
/// is idempotent); anything else is our bug, a 500 that says nothing about the request.
/// </summary>
public sealed partial class ErrorHandler(ILogger<ErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var unavailable = IsTransient(exception);
        if (unavailable) LogUnavailable(exception.GetType().Name);
        else LogUnexpected(exception);
        var problem = unavailable
            ? Problems.Create("service-unavailable", "The ledger is briefly unreachable; nothing was lost. Retry the same request in a few seconds.", context)
            : Problems.Create("internal-error", "The request failed on our side. It has been logged; retrying is safe.", context);
        context.Response.StatusCode = problem.Status!.Value;
        if (unavailable) context.Response.Headers.RetryAfter = "2";
        await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, Problems.ContentType, cancellationToken);
        return true;
    }

    public static bool IsTransient(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException => true,
        Orleans.Runtime.Messaging.ConnectionFailedException => true,
        TimeoutException or NpgsqlException or SocketException or Orleans.Storage.InconsistentStateException => true,
        AggregateException { InnerExceptions.Count: > 0 } aggregate => aggregate.InnerExceptions.All(IsTransient),
        { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request failed: the cluster or database is unreachable ({ExceptionType}).")]
    private partial void LogUnavailable(string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed unexpectedly.")]
    private partial void LogUnexpected(Exception exception);
}
