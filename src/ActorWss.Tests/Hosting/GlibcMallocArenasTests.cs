using ActorWss.Hosting;
using Xunit;

namespace ActorWss.Tests.Hosting;

/// <summary>The arena cap reaches glibc's mallopt on this Linux machine, and 0 leaves glibc's default alone.</summary>
public sealed class GlibcMallocArenasTests
{
    [Fact]
    public void A_cap_is_applied_through_mallopt_unless_the_environment_already_set_one()
    {
        Assert.True(OperatingSystem.IsLinux(), "the test machine and the containers run Linux with glibc");
        var expected = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX"))
            ? GlibcMallocArenas.Outcome.Applied
            : GlibcMallocArenas.Outcome.SetByEnvironment;

        Assert.Equal(expected, GlibcMallocArenas.Limit(2));
    }

    [Fact]
    public void Zero_leaves_the_default()
    {
        Assert.Equal(GlibcMallocArenas.Outcome.Default, GlibcMallocArenas.Limit(0));
    }
}
