#pragma once

// What the load generators measure of processes: the service's CPU time and
// resident memory (from /proc) and their own CPU time.

#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace hondana::bench {

// CPU seconds (user + system) and resident MiB of a process; zeros when it is gone.
inline std::pair<double, double> process_usage(pid_t pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    auto after = text.rfind(')'); // the command name may hold spaces
    if (after == std::string::npos || after + 2 > text.size())
        return { 0, 0 };
    std::istringstream fields(text.substr(after + 2));
    std::vector<std::string> f((std::istream_iterator<std::string>(fields)), {});
    double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    double cpu = f.size() > 12 ? (std::stod(f[11]) + std::stod(f[12])) / ticks : 0;
    double rss = f.size() > 21 ? std::stod(f[21]) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024 * 1024) : 0;
    return { cpu, rss };
}

// CPU seconds this process has used.
inline double own_cpu()
{
    rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}
