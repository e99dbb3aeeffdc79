from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_menu_item")
def register_dummy_menu_item():
    return MenuItem("Dummy", "/dummy/hello/", name="dummy", icon_name="help", order=10000)
