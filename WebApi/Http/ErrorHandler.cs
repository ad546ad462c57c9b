using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Villages.WebApi.Http;

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
        if (unavailable)
        {
            await Problems.WriteAsync(context, ProblemType.ServiceUnavailable, "The ledger is briefly unreachable; nothing was lost. Retry the same request in a few seconds.");
        }
        else
        {
            await Problems.WriteAsync(context, ProblemType.InternalError, "The request failed on our side. It has been logged; retrying is safe.");
        }
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

    /// <summary>Bodiless 404/405/415s from routing (and any other bare status) become problem details too.</summary>
    public static async Task StatusCodeProblem(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var type = ProblemType.OfStatus(context.Response.StatusCode);
        var detail = type == ProblemType.NotFound ? "No resource at this path."
            : type == ProblemType.Unauthenticated ? "Sign in: this needs a bearer token."
            : type == ProblemType.Forbidden ? "Your role may not open this."
            : "The request cannot be served as sent.";
        var problem = Problems.Create(type, detail, context);
        problem.Status = context.Response.StatusCode;
        await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, Problems.ContentType);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request failed: the cluster or database is unreachable ({ExceptionType}).")]
    private partial void LogUnavailable(string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed unexpectedly.")]
    private partial void LogUnexpected(Exception exception);
}
