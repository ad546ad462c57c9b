using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Villages.Silo.Configuration;

/// <summary>
/// The one way settings are bound: a section of configuration into an options class, checked by
/// its data annotations (and <see cref="IValidatableObject"/>) when the host starts, so a bad value
/// stops start-up with a message that names the key (e.g. "Villages:Program:MaximumBudget").
/// </summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/>, validated on start, and registers
    /// the value itself for the plain classes of the domain. Returns the value as configured now, for
    /// the wiring that must be decided while the host is built (checked by the same rules, at once).
    /// </summary>
    public static T AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section) where T : class, new()
    {
        var validator = new SectionValidator<T>(section);
        if (!services.Any(d => d.ServiceType == typeof(IValidateOptions<T>) && d.ImplementationInstance is SectionValidator<T>))
        {
            services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
            services.AddSingleton<IValidateOptions<T>>(validator);
            services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        }
        return configuration.GetValidated<T>(section);
    }

    /// <summary>A section read and checked at once, for what is decided before a host exists (the local database).</summary>
    public static T GetValidated<T>(this IConfiguration configuration, string section) where T : class, new()
    {
        var value = configuration.GetSection(section).Get<T>() ?? new T();
        if (new SectionValidator<T>(section).Validate(null, value) is { Failed: true } failed)
        {
            throw new OptionsValidationException(section, typeof(T), failed.Failures);
        }
        return value;
    }
}

/// <summary>Data annotations of an options class, reported with the configuration key of each member.</summary>
public sealed class SectionValidator<T>(string section) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }
        return ValidateOptionsResult.Fail(results.Select(r =>
            $"{section}:{string.Join(", ", r.MemberNames.DefaultIfEmpty("?"))}: {Describe(r)}"));
    }

    // DataAnnotations say "The field X must be between a and b."; the key already names X.
    private static string Describe(ValidationResult result) =>
        result.ErrorMessage?.Replace("The field ", "", StringComparison.Ordinal) ?? "is invalid.";
}
