using System.Reflection;

namespace MailKitServer.Diagnostics;

/// <summary>
/// The product version, taken from the assembly (one source: <c>Version</c> in Directory.Build.props), without the
/// source-revision suffix the SDK appends after <c>+</c>.
/// </summary>
internal static class ProductVersion
{
    /// <summary>The version of the given assembly, e.g. <c>0.1.0</c> or <c>0.2.0-preview.1</c>.</summary>
    public static string Of(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }

    /// <summary>The version of the core package.</summary>
    public static string Value { get; } = Of(typeof(ProductVersion).Assembly);
}
