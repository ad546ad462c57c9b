using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Villages.Silo.Storage;

/// <summary>
/// Runs <see cref="SchemaMigrator"/> while the host is starting. It works in
/// <see cref="IHostedLifecycleService.StartingAsync"/>, which the generic host completes for every
/// service before it calls any <see cref="IHostedService.StartAsync"/>: the schema (including the
/// OrleansQuery rows) is in place before Orleans' own hosted service reads it, whatever the
/// registration order.
/// </summary>
/// <remarks>
/// PostgreSQL may still be starting when a node boots (containers, a fresh machine): transient
/// connection failures are retried with exponential backoff until <see cref="MaxWait"/> has passed.
/// A changed script or a failing script stops the host at once.
/// </remarks>
public sealed class SchemaMigrationService : IHostedLifecycleService
{
    /// <summary>How long start-up keeps retrying while PostgreSQL is unreachable, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly string? _runtimeLogin;
    private readonly bool _waitOnly;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    /// <param name="connectionString">Npgsql connection string of the application database.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="maxWait">How long to keep retrying while PostgreSQL is unreachable; default <see cref="DefaultMaxWait"/>.</param>
    /// <param name="timeProvider">Clock for the backoff; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="runtimeLogin">With a migration login: the runtime login granted its rights after every migration.</param>
    /// <param name="waitOnly">Apply nothing: wait until the schema is this build's (a node with no DDL right).</param>
    public SchemaMigrationService(string connectionString, ILogger<SchemaMigrationService>? logger = null, TimeSpan? maxWait = null, TimeProvider? timeProvider = null,
        string? runtimeLogin = null, bool waitOnly = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connectionString = connectionString;
        _runtimeLogin = runtimeLogin;
        _waitOnly = waitOnly;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        MaxWait = maxWait ?? DefaultMaxWait;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How long start-up keeps retrying while PostgreSQL is unreachable.</summary>
    public TimeSpan MaxWait { get; }

    /// <inheritdoc />
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StepAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                var waited = _time.GetElapsedTime(started);
                if (waited + delay > MaxWait)
                {
                    throw new SchemaMigrationException(
                        $"PostgreSQL was not reachable for schema migration within {MaxWait.TotalSeconds:0} s ({attempt} attempts); last error: {ex.Message}");
                }

                _logger.LogWarning("PostgreSQL is not reachable yet (attempt {Attempt}: {Error}); retrying schema migration in {Delay} ms.",
                    attempt, ex.Message, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
            }
        }
    }

    private async Task StepAsync(CancellationToken ct)
    {
        if (_waitOnly)
        {
            if (!await SchemaMigrator.IsCurrentAsync(_connectionString, ct).ConfigureAwait(false)) throw new SchemaNotAppliedYetException();
            return;
        }
        await SchemaMigrator.ApplyAsync(_connectionString, _logger, ct).ConfigureAwait(false);
        if (_runtimeLogin is not null) await SchemaMigrator.GrantRuntimeAsync(_connectionString, _runtimeLogin, ct).ConfigureAwait(false);
    }

    /// <summary>A node that may not migrate started before any silo brought the schema to this build.</summary>
    private sealed class SchemaNotAppliedYetException() : Exception("the schema is not this build's yet: waiting for a silo to apply it");

    /// <summary>True for failures that can go away by waiting: refused or dropped connections, a server still starting up, a database not created yet, timeouts.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        SchemaMigrationException => false,
        SchemaNotAppliedYetException => true,
        NpgsqlException { IsTransient: true } => true,
        // The database may be created by whoever starts the server (LocalPostgres, an init job) a moment later.
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => true,
        NpgsqlException { InnerException: SocketException or TimeoutException } => true,
        SocketException or TimeoutException => true,
        _ => false,
    };

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Registration of <see cref="SchemaMigrationService"/>.</summary>
public static class SchemaMigrationServiceCollectionExtensions
{
    /// <summary>Migrates the database at <paramref name="connectionString"/> while the host starts, before Orleans starts.</summary>
    public static IServiceCollection AddSchemaMigration(this IServiceCollection services, string connectionString, TimeSpan? maxWait = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return services.AddSchemaMigration(_ => connectionString, maxWait);
    }

    /// <summary>
    /// A silo's start: the schema applied with the migration login when one is configured (and the
    /// runtime login granted its rights), else with the runtime login itself.
    /// </summary>
    public static IServiceCollection AddSchemaMigration(this IServiceCollection services, string runtime, string? migration) =>
        migration is null
            ? services.AddSchemaMigration(runtime)
            : services.AddSchemaStep(sp => new SchemaMigrationService(migration, sp.GetService<ILogger<SchemaMigrationService>>(),
                timeProvider: sp.GetService<TimeProvider>(), runtimeLogin: PostgresConnection.Login(runtime)));

    /// <summary>A pure client's start: no DDL, only waiting until a silo has applied this build's schema.</summary>
    public static IServiceCollection AddSchemaWait(this IServiceCollection services, string runtime) =>
        services.AddSchemaStep(sp => new SchemaMigrationService(runtime, sp.GetService<ILogger<SchemaMigrationService>>(),
            timeProvider: sp.GetService<TimeProvider>(), waitOnly: true));

    /// <summary>
    /// Migrates the database whose connection string is resolved from the container when the host
    /// starts. Once per container: a WebApi co-hosting a silo registers it from both sides.
    /// </summary>
    public static IServiceCollection AddSchemaMigration(this IServiceCollection services, Func<IServiceProvider, string> connectionString, TimeSpan? maxWait = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return services.AddSchemaStep(sp => new SchemaMigrationService(
            connectionString(sp),
            sp.GetService<ILogger<SchemaMigrationService>>(),
            maxWait,
            sp.GetService<TimeProvider>()));
    }

    private static IServiceCollection AddSchemaStep(this IServiceCollection services, Func<IServiceProvider, SchemaMigrationService> create)
    {
        if (services.Any(static d => d.ServiceType == typeof(SchemaMigrationMarker))) return services;
        services.AddSingleton<SchemaMigrationMarker>();
        services.AddSingleton<IHostedService>(create);
        return services;
    }

    private sealed class SchemaMigrationMarker;
}
