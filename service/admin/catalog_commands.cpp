// title add, licence revoke / cancel.

#include <iostream>

#include "admin/commands.h"

namespace hondana::admin {

namespace {

struct CatalogArgs {
    std::string file, title, author, language = "ja", progression, id;
    int reading_level { -1 };
    int64_t copies { 0 };
    int64_t class_set { 0 };
    bool unlimited { false };
};

lending::Result<int> add_title(AdminContext& context, const CatalogArgs& args)
{
    lending::NewTitle spec;
    spec.source = args.file;
    spec.title = args.title;
    spec.author = args.author;
    spec.language = args.language;
    spec.reading_progression = args.progression;
    if (args.reading_level >= 0)
        spec.reading_level = args.reading_level;
    int kinds = (args.copies > 0) + (args.class_set > 0) + (args.unlimited ? 1 : 0);
    if (kinds > 1)
        return lending::fail(lending::ErrorKind::InvalidArgument, "give one of --copies, --unlimited, --class-set");
    spec.holding = args.unlimited ? lending::Holding::Unlimited
        : args.class_set > 0      ? lending::Holding::ClassSet
                                  : lending::Holding::Copies;
    spec.copies = args.class_set > 0 ? args.class_set : args.copies > 0 ? args.copies : 1;
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto added = TRY(service->catalog().add_title(context.actor(), slug, spec));
    std::cout << "title " << added.id << " added (" << added.format << ", " << added.content_length
              << " bytes protected, " << lending::holding_name(added.holding) << ")\n";
    return ExitCode::ok;
}

lending::Result<int> end_licence(AdminContext& context, const CatalogArgs& args, bool revoke)
{
    auto* service = TRY(context.service());
    auto slug = TRY(context.tenant_slug());
    auto tenant = TRY(service->directory().tenant(slug));
    if (!context.confirm(std::string(revoke ? "revoke" : "cancel") + " licence " + args.id + " of tenant " + slug
            + ": the reader loses the title at its next status check"))
        return static_cast<int>(ExitCode::declined);
    lending::AuditContext audit { slug, context.actor(), {} };
    auto status = revoke ? TRY(service->licensing().revoke(audit, tenant.id, args.id))
                         : TRY(service->licensing().cancel(audit, tenant.id, args.id));
    std::cout << "licence " << args.id << ": " << status["status"].get<std::string>() << "\n";
    return ExitCode::ok;
}

}

void add_catalog_commands(CLI::App& cli, AdminContext& context, Action& action)
{
    auto args = std::make_shared<CatalogArgs>();
    auto* title = cli.add_subcommand("title", "Titles")->require_subcommand(1);
    auto* add = title->add_subcommand("add", "Package a PDF or EPUB with a new content key and add it");
    add->add_option("file", args->file)->required()->check(CLI::ExistingFile);
    add->add_option("--title", args->title)->required();
    add->add_option("--author", args->author);
    add->add_option("--language", args->language)->capture_default_str();
    add->add_option("--progression", args->progression,
           "rtl or ltr: the page order of a PDF (right-to-left spreads for picture books and manga)")
        ->check(CLI::IsMember({ "rtl", "ltr" }));
    add->add_option("--reading-level", args->reading_level);
    add->add_option("--copies", args->copies, "N simultaneous loans (default 1)");
    add->add_flag("--unlimited", args->unlimited, "Any number of simultaneous loans");
    add->add_option("--class-set", args->class_set, "A class set of N copies");
    add->callback([&action, &context, args] {
        action = [&context, args] { return run(context, [&] { return add_title(context, *args); }); };
    });

    auto* licence = cli.add_subcommand("licence", "Licences")->require_subcommand(1);
    for (bool revoke : { true, false }) {
        auto* command = licence->add_subcommand(revoke ? "revoke" : "cancel",
            revoke ? "Revoke an active licence (asks for confirmation)"
                   : "Cancel a licence never fetched (asks for confirmation)");
        command->add_option("licence_id", args->id)->required();
        command->callback([&action, &context, args, revoke] {
            action = [&context, args, revoke] {
                return run(context, [&] { return end_licence(context, *args, revoke); });
            };
        });
    }
}

}
