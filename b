port              vlan-id  
